#!/usr/bin/env node
// Drives the running portal's /alexa/ endpoint with virtual-alexa, from the exported
// interaction models. Usage: node drive.js <config.json>
//
// config: {"skillUrl": "http://127.0.0.1:8081/alexa/", "applicationId": "amzn1.ask.skill...",
//          "models": {"en-US": "/path/en-US.json", ...},
//          "utterances": [{"locale": "en-US", "text": "order a starter kit"}, ...]}
//
// Without "skillUrl" the requests go to a stub endpoint started here, which answers every
// request with an empty response: the test then checks only what virtual-alexa understood
// and sent (intent, slots, entity resolution), not what the skill answers.
//
// The utterance is matched by virtual-alexa's own matcher (virtual-core's Utterance, which
// VirtualAlexa.utter uses), then sent as utter() would send it. utter() itself is not called:
// in 0.7.8 it treats any text containing "ask", "open", "launch" or "tell" anywhere as a
// launch request, and German "bestellen" contains "tell".
//
// Every utterance runs in a fresh virtual device (a new shopper, a new session), so one
// answer cannot steer the next. Prints one JSON array: per utterance the intent and slots
// virtual-alexa sent (after the filter below) and the skill's speech, or the error.
"use strict";

const fs = require("fs");
const http = require("http");
const { VirtualAlexa } = require("virtual-alexa");
const { Utterance } = require("virtual-core");

// Alexa sends AMAZON.NUMBER values as digits; virtual-alexa passes the words through.
const NUMBERS = {
  one: "1", two: "2", three: "3", four: "4", five: "5", six: "6", seven: "7", eight: "8",
  nine: "9", ten: "10", eleven: "11", twelve: "12",
};

function asAlexaWouldSend(request, numberSlots) {
  // virtual-alexa adds a consent token but never the scopes; Alexa sends both.
  const scopes = { "payments:autopay_consent": { status: "GRANTED" } };
  for (const user of [request.context.System.user, request.session && request.session.user]) {
    if (user) {
      user.permissions = Object.assign({}, user.permissions, { scopes });
    }
  }
  const intent = request.request.intent;
  if (intent && intent.slots) {
    for (const name of numberSlots) {
      const slot = intent.slots[name];
      if (slot && slot.value && NUMBERS[slot.value.toLowerCase()]) {
        slot.value = NUMBERS[slot.value.toLowerCase()];
      }
    }
  }
}

function numberSlotsOf(modelPath) {
  const model = JSON.parse(fs.readFileSync(modelPath, "utf8"));
  const names = new Set();
  for (const intent of model.interactionModel.languageModel.intents) {
    for (const slot of intent.slots || []) {
      if (slot.type === "AMAZON.NUMBER") names.add(slot.name);
    }
  }
  return [...names];
}

function startStubEndpoint() {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(JSON.stringify({ version: "1.0", response: {} }));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

async function main() {
  const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const stub = config.skillUrl ? null : await startStubEndpoint();
  const skillUrl = config.skillUrl || `http://127.0.0.1:${stub.address().port}/`;
  const numberSlots = {};
  const results = [];
  for (const item of config.utterances) {
    const modelPath = config.models[item.locale];
    numberSlots[item.locale] = numberSlots[item.locale] || numberSlotsOf(modelPath);
    const alexa = VirtualAlexa.Builder()
      .skillURL(skillUrl)
      .interactionModelFile(modelPath)
      .applicationID(config.applicationId)
      .locale(item.locale)
      .create();
    alexa.context().device().setID(`virtual-alexa-device-${results.length}`);
    let sent = null;
    alexa.filter((request) => {
      asAlexaWouldSend(request, numberSlots[item.locale]);
      sent = request;
    });
    const result = { locale: item.locale, text: item.text };
    try {
      const utterance = new Utterance(alexa.context().interactionModel(), item.text);
      if (!utterance.matched()) {
        throw new Error(`no sample utterance matches "${item.text}"`);
      }
      const request = alexa.request().intent(utterance.intent()).slots(utterance.toJSON());
      const response = await alexa.call(request);
      const intent = sent && sent.request.intent;
      result.ok = true;
      result.requestId = sent.request.requestId;
      result.intent = intent ? intent.name : null;
      result.sample = utterance.matchedSample.phrase;
      result.slots = {};
      for (const [name, slot] of Object.entries((intent && intent.slots) || {})) {
        const authority = ((slot.resolutions || {}).resolutionsPerAuthority || [])[0];
        result.slots[name] = {
          value: slot.value,
          status: authority ? authority.status.code : null,
          id: authority && authority.values && authority.values[0] ? authority.values[0].value.id : null,
        };
      }
      const speech = (response.response || {}).outputSpeech || {};
      result.speech = speech.ssml || speech.text || "";
    } catch (error) {
      result.ok = false;
      result.error = String(error && error.message ? error.message : error);
    }
    results.push(result);
  }
  if (stub) {
    stub.close();
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
