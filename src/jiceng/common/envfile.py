"""Print a new local `.env` with generated secrets (`make run` writes it once)."""

import secrets

from cryptography.fernet import Fernet


def main() -> None:
    print("# Written by `make run`. Keep it secret: JICENG_FIELD_KEY decrypts ID and phone numbers.")
    print(f"JICENG_SECRET_KEY={secrets.token_urlsafe(50)}")
    print(f"JICENG_FIELD_KEY={Fernet.generate_key().decode()}")
    print("# Served over plain http on 127.0.0.1: secure-only cookies would never be sent back.")
    print("JICENG_SECURE_COOKIES=0")


if __name__ == "__main__":
    main()
