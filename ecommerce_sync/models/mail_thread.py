from odoo import models

#: the messages Odoo posts when it makes a document from another ("created from: S00012")
ORIGIN_LINK = "mail.message_origin_link"


class MailThread(models.AbstractModel):
    """What imports leave out of the chatter (context ``ecommerce_import_no_followers``).

    * no follower subscriptions: the customer is not made a follower of the documents the store's
      orders become (Odoo does so when it confirms a sale order or posts an invoice), so that no
      message is ever mailed to a customer because of an import;
    * no "created from" messages on the invoices and deliveries Odoo makes from a sale order: each
      imported document gets one note naming the store and the order instead (the builders'
      ``_note_imported``), and its origin field still names the sale order.
    """

    _inherit = "mail.thread"

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        if self.env.context.get("ecommerce_import_no_followers"):
            return True
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    def message_post_with_source(self, source_ref, render_values=None, message_type="notification", **kwargs):
        if self.env.context.get("ecommerce_import_no_followers") and source_ref == ORIGIN_LINK:
            return self.env["mail.message"]
        return super().message_post_with_source(
            source_ref, render_values=render_values, message_type=message_type, **kwargs
        )
