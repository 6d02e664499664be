"""playbook: sales-and-marketing alignment engagements, as notebooks, forms and a report."""

from playbook.core.engagement import Engagement, load
from playbook.core.errors import UserError

__all__ = ["Engagement", "UserError", "load"]
__version__ = "0.1.0"
