"""The sandbox account of the contract tests: its time zone and its messaging number."""

TIME_ZONE = "America/New_York"
OWN_NUMBER = "+13109549528"
