"""The embedded SMAPI sandbox: Amazon's side of the Skill Management API and of Login with
Amazon, for stores in sandbox mode, the demo and the tests (see ``docs/alexa-skill.md``)."""
