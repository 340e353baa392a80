"""The families layer: public inquiries, "I'm safe" reports, seeker verification,
subscriptions, staff review tasks and retention. Every answer comes from
``domain.disclosure.decide`` (through ``families.disclose``)."""
