"""Texts of issue 12's hardening: the audit verification on the Progress page."""

TEXTS: dict[str, tuple[str, str]] = {
    "audit.title": ("审计链校验", "Audit chain check"),
    "audit.help": (
        "逐条核对审计记录的哈希链，并用它核对当前的评分、复核、最终结果、抽样和账号数据，发现绕过本系统的改动。",
        "Walks the audit log's hash chain and checks the current scores, re-checks, final results, sample and "
        "accounts against it, to reveal changes made past the application.",
    ),
    "audit.run": ("立即校验", "Verify now"),
    "audit.ok": ("审计链完整：{entries} 条记录，{rows} 行数据与之相符。锚点 {anchor}",
                 "Audit chain intact: {entries} entries, {rows} rows match. Anchor {anchor}"),
    "audit.failed": ("校验未通过：发现 {n} 处不符，本次评查在查明前不能发布。",
                     "Verification failed: {n} mismatches; this campaign cannot be published until they are resolved."),
}
