"""The analytics API: the KPI marts of the latest successful pipeline run, from memory."""
