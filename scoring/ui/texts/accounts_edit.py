"""Texts of the account editing form on the Accounts page."""

TEXTS: dict[str, tuple[str, str]] = {
    "accedit.title": ("修改账号", "Edit an account"),
    "accedit.password": ("新密码（留空则不修改）", "New password (leave empty to keep)"),
    "accedit.submit": ("保存修改", "Save changes"),
    "accedit.saved": ("已保存账号 {username} 的修改。", "Changes to {username} saved."),
}
