"""Texts of the publishing controls on the Progress page."""

TEXTS: dict[str, tuple[str, str]] = {
    "publish.title": ("发布评查结果", "Publish the results"),
    "publish.help": (
        "发布后，观察员（被评查单位联络人、领导）可以查看本次评查的结果。所有抽取案卷都有最终结果后才能发布。",
        "Once published, observers (unit liaisons, leadership) can read this campaign's results. Every sampled "
        "file needs its final result first.",
    ),
    "publish.button": ("发布结果", "Publish results"),
    "publish.done": ("评查结果已发布。", "The results are published."),
    "publish.is_published": ("本次评查结果已发布，观察员可以查看。", "The results are published; observers can read them."),
    "publish.withdraw_reason": ("撤回发布的理由", "Reason for withdrawing"),
    "publish.withdraw": ("撤回发布", "Withdraw publication"),
    "publish.withdrawn": ("已撤回发布。", "Publication withdrawn."),
}
