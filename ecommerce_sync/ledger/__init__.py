"""Pure helpers of the ledger builders (no Odoo import): exact amounts, plans, issues."""
