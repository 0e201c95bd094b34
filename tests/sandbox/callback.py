"""The callback URL the sandbox tests register on a number: a portal webhook URL."""

CALLBACK = "https://portal.example.test/hooks/sms/abc/"
