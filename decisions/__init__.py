"""Decision helpers: the AI Act and MDR classification, the DPIA question, the procurement route
and the business case, computed from the team's answers and explained step by step."""
