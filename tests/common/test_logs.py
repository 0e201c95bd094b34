"""Structured logs: JSON lines with request id, organization id and job name; webhook
secrets cut out of every message."""

import json
import logging

from common import logs
from common.logs import ContextFilter, JsonFormatter
from common.redaction import redact


def _record(message, *args):
    record = logging.LogRecord("portal.test", logging.INFO, __file__, 1, message, args, None)
    ContextFilter().filter(record)
    return record


def test_a_json_line_carries_request_organization_and_job():
    tokens = (logs.request_id.set("req-1"), logs.organization_id.set(42),
              logs.job_name.set("sync_faxes"))
    try:
        line = JsonFormatter().format(_record("synced %s faxes", 3))
    finally:
        logs.request_id.reset(tokens[0])
        logs.organization_id.reset(tokens[1])
        logs.job_name.reset(tokens[2])
    entry = json.loads(line)
    assert entry["message"] == "synced 3 faxes"
    assert (entry["request_id"], entry["organization_id"], entry["job"]) == (
        "req-1", 42, "sync_faxes")


def test_a_webhook_secret_in_a_log_message_is_cut_out():
    record = _record('"POST /hooks/sms/%s/ HTTP/1.1" 200', "s3cr3t-t0ken-value")
    assert "s3cr3t" not in record.getMessage()
    assert "/hooks/sms/***/" in record.getMessage()


def test_redact_leaves_other_paths_alone():
    assert redact("GET /messaging/conversations/4/") == "GET /messaging/conversations/4/"


def test_the_gunicorn_access_log_cuts_webhook_secrets():
    from common.redaction import RedactingGunicornLogger

    class Config:
        access_log_format = '%(U)s'
        errorlog = "-"
        loglevel = "info"
        logconfig_dict = {}
        logconfig = None
        syslog = False
        capture_output = False
        accesslog = None
        logconfig_json = None
        disable_redirect_access_to_syslog = False
        dogstatsd_tags = ""
        statsd_host = None
        statsd_prefix = ""

    class Response:
        status = "200 OK"
        headers = []
        sent = 10
        response_length = 10

    class Request:
        headers = []
        method = "POST"
        uri = "/hooks/sms/s3cr3t/"
        path = "/hooks/sms/s3cr3t/"
        query = ""
        version = (1, 1)

    environ = {"REQUEST_METHOD": "POST", "RAW_URI": "/hooks/sms/s3cr3t/",
               "PATH_INFO": "/hooks/sms/s3cr3t/", "QUERY_STRING": "", "SERVER_PROTOCOL":
               "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}
    import datetime

    logger = RedactingGunicornLogger(Config())
    atoms = logger.atoms(Response(), Request(), environ, datetime.timedelta(seconds=0.01))
    assert atoms["r"] == "POST /hooks/sms/***/ HTTP/1.1"  # the control: the line has the path
    assert "s3cr3t" not in atoms["U"] and "s3cr3t" not in atoms["r"]
