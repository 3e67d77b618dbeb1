"""Amazon's facts, one home below every app: what Alexa and Amazon define and the portal
checks against or sends, each written once.

- ``scopes``: the permission scopes as Amazon names them;
- ``one_breath``: the one-breath rule of Amazon's voice design guide, in the portal's numbers;
- ``cards``: how many characters an Alexa app card holds;
- ``currency``: the minor units of the currencies Amazon's marketplaces sell in;
- ``http``: the one HTTP client for Amazon's APIs (allow-listed hosts, TLS, timeouts, and
  every failure ending the same way): the skill's calls to Alexa's APIs, the Monetization
  API (Amazon's, or the embedded ISP sandbox standing in for it), Login with Amazon and the
  Proactive Events API (live or its development stage).

A plain package, not a Django app: no models, no settings of its own. It imports Django and
libraries, never a portal app, so every app may import it.
"""
