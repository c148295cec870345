"""Case records: pseudonymous cases, screening with the ILO/EC operational indicators, needs and consent."""
