"""Sign-in, the sidebar's identity block, and the API keys section of Settings."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "accounts.login.title": {"en": "Sign in to continue", "ko": "계속하려면 로그인하세요"},
    "accounts.login.help": {
        "en": "Your strategies, usage and quota belong to your account; nothing is shown before you sign in.",
        "ko": "전략, 사용량과 한도는 계정별로 관리됩니다. 로그인하기 전에는 아무것도 표시되지 않습니다.",
    },
    "accounts.login.button": {"en": "Log in", "ko": "로그인"},
    "accounts.login.button_named": {"en": "Log in with {name}", "ko": "{name}(으)로 로그인"},
    "accounts.sidebar.logout": {"en": "Log out", "ko": "로그아웃"},
    "accounts.sidebar.local_name": {"en": "Local user", "ko": "로컬 사용자"},
    "accounts.sidebar.admin": {"en": "Admin", "ko": "관리자"},
    "accounts.sidebar.local": {
        "en": "Single-user mode (no login configured): you are the admin.",
        "ko": "단일 사용자 모드(로그인 미설정): 관리자 권한으로 실행 중입니다.",
    },
    "accounts.quota.user": {"en": "User whose quota to set", "ko": "한도를 설정할 사용자"},
    "accounts.keys.title": {"en": "API keys", "ko": "API 키"},
    "accounts.keys.help": {
        "en": "A key lets a program call the REST API (/api) as you: your quota, your strategies. "
              "A key is shown once, when it is created; only a hash of it is stored.",
        "ko": "키로 프로그램이 REST API(/api)를 내 계정으로 호출합니다(내 한도, 내 전략). "
              "키는 만들 때 한 번만 표시되며 해시만 저장됩니다.",
    },
    "accounts.keys.name": {"en": "Key name", "ko": "키 이름"},
    "accounts.keys.name_help": {"en": "To recognise it later, e.g. 'laptop' or 'CI'.",
                                "ko": "나중에 알아보기 위한 이름 (예: '노트북', 'CI')."},
    "accounts.keys.create": {"en": "Create key", "ko": "키 만들기"},
    "accounts.keys.created": {
        "en": "Key '{name}' created. Copy it now: it will not be shown again.",
        "ko": "'{name}' 키를 만들었습니다. 지금 복사하세요. 다시 표시되지 않습니다.",
    },
    "accounts.keys.none": {"en": "You have no API keys yet.", "ko": "아직 API 키가 없습니다."},
    "accounts.keys.col.prefix": {"en": "Key (start)", "ko": "키 (앞부분)"},
    "accounts.keys.col.name": {"en": "Name", "ko": "이름"},
    "accounts.keys.col.created": {"en": "Created (UTC)", "ko": "생성 (UTC)"},
    "accounts.keys.col.last_used": {"en": "Last used (UTC)", "ko": "마지막 사용 (UTC)"},
    "accounts.keys.col.status": {"en": "Status", "ko": "상태"},
    "accounts.keys.never": {"en": "never", "ko": "사용 안 함"},
    "accounts.keys.active": {"en": "active", "ko": "사용 중"},
    "accounts.keys.revoked": {"en": "revoked {when}", "ko": "{when} 폐기됨"},
    "accounts.keys.revoke_pick": {"en": "Key to revoke", "ko": "폐기할 키"},
    "accounts.keys.revoke": {"en": "Revoke key", "ko": "키 폐기"},
    "accounts.keys.revoked_ok": {"en": "Key {prefix} revoked: calls with it now get 401.",
                                 "ko": "{prefix} 키를 폐기했습니다. 이 키로 호출하면 401이 반환됩니다."},
}
