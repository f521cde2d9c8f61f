"""The job runner applies the channel capacities set in Odoo (``queue.job.channel.job_capacity``).

OCA's runner reads channel capacities from its configuration (``channels = root:4,...``) when it
starts. Loaded server-wide (``--load=web,queue_job,ecommerce_sync_queue_job``), this addon lets it
also read, for each database it serves, the capacities users set on the channels and the stores,
whenever it wakes up (on job activity, and at least every minute).
"""

import logging

_logger = logging.getLogger(__name__)

CAPACITIES = """
SELECT complete_name, job_capacity
  FROM queue_job_channel
 WHERE job_capacity > 0 AND complete_name IS NOT NULL
"""
HAS_CAPACITIES = """
SELECT 1 FROM information_schema.columns WHERE table_name = 'queue_job_channel' AND column_name = 'job_capacity'
"""


def apply_capacities(runner):
    """Configure the runner's channels with the capacities stored in its databases."""
    for db in runner.db_by_name.values():
        try:
            with db.conn.cursor() as cr:
                cr.execute(HAS_CAPACITIES)
                if not cr.fetchone():
                    continue
                cr.execute(CAPACITIES)
                rows = cr.fetchall()
        except Exception:
            _logger.warning("Could not read the channel capacities of database %s", db.db_name, exc_info=True)
            continue
        for name, capacity in rows:
            channel = runner.channel_manager.get_channel_by_name(name, autocreate=True)
            if channel.capacity != capacity:
                channel.configure({"name": name, "capacity": capacity, "throttle": channel.throttle})
                _logger.info("Job channel %s runs %s jobs at once", name, capacity)


def post_load():
    """Hook the capacities into the job runner (server-wide loading only)."""
    from odoo.addons.queue_job.jobrunner.runner import QueueJobRunner

    if getattr(QueueJobRunner, "_ecommerce_capacities", False):
        return
    initialize = QueueJobRunner.initialize_databases
    process = QueueJobRunner.process_notifications

    def initialize_databases(self):
        initialize(self)
        apply_capacities(self)

    def process_notifications(self):
        apply_capacities(self)
        process(self)

    QueueJobRunner.initialize_databases = initialize_databases
    QueueJobRunner.process_notifications = process_notifications
    QueueJobRunner._ecommerce_capacities = True
