"""Texts of the app shell (signed out meanwhile)."""

TEXTS: dict[str, tuple[str, str]] = {
    "shell.signed_out": ("您已退出登录或账号已停用，请重新登录。",
                         "You are signed out or your account was deactivated; please sign in again."),
}
