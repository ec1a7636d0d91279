"""The product's own settings (GRC_*): collection, scale-out, retention, packets, manual evidence.

Read from the environment like the rest (README "Configuration"); base.py imports them all.
"""

import environ as _environ

_env = _environ.Env()

GRC_RUN_STALE_SECONDS = _env.int("GRC_RUN_STALE_SECONDS", default=3 * 3600)
# A queued run or packet no worker took within this long is sent to the broker again.
GRC_QUEUED_RESEND_SECONDS = _env.int("GRC_QUEUED_RESEND_SECONDS", default=60)
# Workers record a heartbeat every GRC_WORKER_HEARTBEAT_SECONDS from their main process; a unit
# started by a worker silent for GRC_WORKER_LOST_SECONDS is lost and its run is ended.
GRC_WORKER_HEARTBEAT_SECONDS = _env.int("GRC_WORKER_HEARTBEAT_SECONDS", default=30)
GRC_WORKER_LOST_SECONDS = _env.int("GRC_WORKER_LOST_SECONDS", default=180)
# Scale-out (README "Configuration"): units of one account in flight at a time (0: no limit); a
# sent unit no worker started resent after; throttled units retried with exponential backoff.
GRC_ACCOUNT_MAX_CONCURRENT_UNITS = _env.int("GRC_ACCOUNT_MAX_CONCURRENT_UNITS", default=4)
GRC_UNIT_RESEND_SECONDS = _env.int("GRC_UNIT_RESEND_SECONDS", default=900)
GRC_THROTTLE_RETRIES = _env.int("GRC_THROTTLE_RETRIES", default=3)
GRC_THROTTLE_BACKOFF_SECONDS = _env.float("GRC_THROTTLE_BACKOFF_SECONDS", default=30.0)
# New accounts' schedules start at a per-account minute of this window (no thundering herd).
GRC_SCHEDULE_WINDOW_MINUTES = _env.int("GRC_SCHEDULE_WINDOW_MINUTES", default=120)
# A packet still queued or building after this long is ended as failed.
GRC_PACKET_STALE_SECONDS = _env.int("GRC_PACKET_STALE_SECONDS", default=2 * 3600)
# Tasks started with a finished run's id (the wiring between collection and the apps above it).
GRC_RUN_FINISHED_TASKS = [
    "evidence.posture.tasks.control_status_rollup_task",
    "evidence.notifications.tasks.notification_run_finished_task",
]
# The longest an accepted risk may last before it must be reviewed again.
GRC_EXCEPTION_MAX_DAYS = _env.int("GRC_EXCEPTION_MAX_DAYS", default=365)
GRC_EVIDENCE_RETENTION_DAYS = _env.int("GRC_EVIDENCE_RETENTION_DAYS", default=3 * 365)
# Account tags an organization sync reads an account's environment from, first present wins
# (exact key; prod, production or prd mean production, any other value non-production).
GRC_ENVIRONMENT_TAG_KEYS = _env.list(
    "GRC_ENVIRONMENT_TAG_KEYS", default=["Environment", "environment", "env"]
)

# Evidence packets: base64 of a 32-byte Ed25519 seed (see evidence/packets/signing.py).
GRC_PACKET_SIGNING_KEY = _env.str("GRC_PACKET_SIGNING_KEY", default="")

# Manual evidence: uploads (type detected from content), validity grace and reminders.
GRC_MANUAL_MAX_UPLOAD_BYTES = _env.int("GRC_MANUAL_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
# Days an approved submission stays valid after its frequency period ends (time to renew).
GRC_MANUAL_GRACE_DAYS = _env.int("GRC_MANUAL_GRACE_DAYS", default=30)
# The daily reminder lists requests due within this many days, and overdue ones.
GRC_MANUAL_REMINDER_DAYS = _env.int("GRC_MANUAL_REMINDER_DAYS", default=14)
