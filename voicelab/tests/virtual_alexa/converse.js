#!/usr/bin/env node
// Plays conversations against the running portal's /alexa/ endpoint with virtual-alexa, on
// one or more Echo devices, from the exported interaction models. Usage:
//   node converse.js <config.json>
//
// config: {"skillUrl": "http://127.0.0.1:8081/alexa/", "applicationId": "amzn1.ask.skill...",
//          "models": {"en-US": "/path/en-US.json", ...},
//          "devices": {"kitchen": {"locale": "en-US", "userId": "amzn1.ask.account.X",
//                                  "deviceId": "...", "accessToken": "..." (optional)}},
//          "steps": [[{"device": "kitchen", "text": "what's in my cart"}],
//                    [{"device": "kitchen", "text": "yes"}, {"device": "hall", "text": "yes"}]]}
//
// Each step's turns are sent at the same moment (two devices saying "yes" at once); the
// steps run one after the other. A device keeps its Alexa session between its turns while
// the skill keeps it open, as an Echo does. "text" is matched with virtual-alexa's own
// matcher (virtual-core's Utterance) against the exported samples; "yes" and "no" are
// Alexa's built-ins. The account linking token goes in context.System.user.accessToken
// (virtual-alexa's setAccessToken). Prints one JSON array of steps; per turn the intent and
// slots sent, the speech, the card and whether the session ended, or the error.
"use strict";

const fs = require("fs");
const { VirtualAlexa } = require("virtual-alexa");
const { Utterance } = require("virtual-core");

const BUILT_INS = {
  yes: "AMAZON.YesIntent",
  ja: "AMAZON.YesIntent",
  no: "AMAZON.NoIntent",
  nein: "AMAZON.NoIntent",
  stop: "AMAZON.StopIntent",
};

function makeDevice(config, spec) {
  const alexa = VirtualAlexa.Builder()
    .skillURL(config.skillUrl)
    .interactionModelFile(config.models[spec.locale])
    .applicationID(config.applicationId)
    .locale(spec.locale)
    .create();
  alexa.context().device().setID(spec.deviceId);
  alexa.context().user().setID(spec.userId);
  if (spec.accessToken) {
    alexa.context().setAccessToken(spec.accessToken);
  }
  const device = { alexa, sent: null };
  alexa.filter((request) => {
    // virtual-alexa adds a consent token but never the scopes; Alexa sends both.
    const scopes = { "payments:autopay_consent": { status: "GRANTED" } };
    for (const user of [request.context.System.user, request.session && request.session.user]) {
      if (user) {
        user.permissions = Object.assign({}, user.permissions, { scopes });
      }
    }
    device.sent = request;
  });
  return device;
}

function requestFor(alexa, turn) {
  if (turn.intent) {
    return alexa.request().intent(turn.intent).slots(turn.slots || {});
  }
  const builtIn = BUILT_INS[turn.text.toLowerCase()];
  if (builtIn) {
    return alexa.request().intent(builtIn);
  }
  const utterance = new Utterance(alexa.context().interactionModel(), turn.text);
  if (!utterance.matched()) {
    throw new Error(`no sample utterance matches "${turn.text}"`);
  }
  return alexa.request().intent(utterance.intent()).slots(utterance.toJSON());
}

async function play(device, turn) {
  const result = { device: turn.device, text: turn.text || turn.intent };
  try {
    const response = await device.alexa.call(requestFor(device.alexa, turn));
    const body = response.response || {};
    const intent = device.sent && device.sent.request.intent;
    result.ok = true;
    result.intent = intent ? intent.name : null;
    result.slots = {};
    for (const [name, slot] of Object.entries((intent && intent.slots) || {})) {
      const authority = ((slot.resolutions || {}).resolutionsPerAuthority || [])[0];
      result.slots[name] = {
        value: slot.value,
        id: authority && authority.values && authority.values[0] ? authority.values[0].value.id : null,
      };
    }
    const speech = body.outputSpeech || {};
    result.speech = speech.ssml || speech.text || "";
    result.card = body.card || null;
    result.ended = body.shouldEndSession !== false;
  } catch (error) {
    result.ok = false;
    result.error = String(error && error.message ? error.message : error);
  }
  return result;
}

async function main() {
  const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const devices = {};
  for (const [name, spec] of Object.entries(config.devices)) {
    devices[name] = makeDevice(config, spec);
  }
  const steps = [];
  for (const step of config.steps) {
    steps.push(await Promise.all(step.map((turn) => play(devices[turn.device], turn))));
  }
  process.stdout.write(JSON.stringify(steps));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
