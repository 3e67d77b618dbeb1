"""The store on shopping agents: a Universal Commerce Protocol (2026-04-08) server with REST and
MCP bindings at /ucp/<store-slug>."""
