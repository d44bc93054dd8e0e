"""E-arkiv: a closed case exported as an FGS/E-ARK package for the archive (issue 18)."""
