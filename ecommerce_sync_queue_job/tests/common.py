import random

from odoo.tests import TransactionCase

from odoo.addons.ecommerce_sync_shopify.tests.common import start_sandbox, store_values
from odoo.addons.queue_job.job import Job


class QueueJobCommon(TransactionCase):
    """A Shopify store on a sandbox shop, and helpers to run the jobs it enqueues the way workers would."""

    ORDERS = 6
    SEED = 21

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.server = start_sandbox(orders=cls.ORDERS, seed=cls.SEED)
        cls.addClassCleanup(cls.server.stop)
        cls.shop = cls.server.shop
        cls.store = cls.env["ecommerce.store"].create(store_values(cls.server))
        cls.store.sudo().write({"state": "connected"})

    def jobs(self, method=None, **values):
        domain = [(name, "=", value) for name, value in values.items()]
        if method:
            domain.append(("method_name", "=", method))
        return self.env["queue.job"].search(domain, order="id")

    def perform(self, job_record):
        """Run one stored job as the job runner's worker would, and store its outcome."""
        job = Job.load(self.env, job_record.uuid)
        job.set_started()
        job.store()  # as the worker commits it before it performs the job
        job.perform()
        job.set_done()
        job.store()
        return job

    def drain(self, seed=7, twice=None):
        """Run every pending job, in a shuffled order, until none is left (``twice``: a method run a second time).

        :return: how many jobs ran
        """
        rng = random.Random(seed)
        ran = 0
        repeated = False
        while True:
            pending = self.jobs(state="pending")
            if not pending:
                return ran
            job_record = pending[rng.randrange(len(pending))]
            self.perform(job_record)
            ran += 1
            if twice and job_record.method_name == twice and not repeated:
                # a second worker picks the same job up again (e.g. after a lost acknowledgement)
                job_record.state = "pending"
                self.perform(job_record)
                ran += 1
                repeated = True
