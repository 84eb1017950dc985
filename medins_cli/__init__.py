"""medins: estimate China basic medical insurance reimbursements and guide claims.

The policy core (:mod:`medins_cli.core`) is pure and may be imported by any script.
"""

__version__ = "0.4.0"
