"""What needs attention across the plan and the CQC evidence, and the e-mail digest of it."""
