/* Starts Swagger UI on /api/docs/ (merchant/api_docs.py): drf-spectacular's swagger_ui.js as a
   static file, reading the schema's address and the CSRF header from data- attributes. */
"use strict";
(function () {
  // drf-spectacular hands both over as JSON text: json_script wraps that text once more.
  function jsonData(id) {
    var value = JSON.parse(document.getElementById(id).textContent);
    return typeof value === "string" ? JSON.parse(value) : value;
  }
  var container = document.getElementById("swagger-ui");
  var schemaAuthNames = jsonData("schema-auth-names");
  var swaggerSettings = jsonData("swagger-settings"); // SPECTACULAR_SETTINGS["SWAGGER_UI_SETTINGS"]
  var csrfHeader = container.dataset.csrfHeader;
  var csrfToken = container.dataset.csrfToken;
  var schemaAuthFailed = false;
  var ui;

  function reloadSchemaOnAuthChange() {
    function reload(ori) {
      return function () {
        schemaAuthFailed = false;
        setTimeout(function () { ui.specActions.download(); });
        return ori.apply(null, arguments);
      };
    }
    return {
      statePlugins: {
        auth: { wrapActions: { authorizeOauth2: reload, authorize: reload, logout: reload } },
      },
    };
  }

  function isSchemaUrl(url) {
    return ui !== undefined && url === new URL(ui.getConfigs().url, document.baseURI).href;
  }

  function responseInterceptor(response) {
    if (!response.ok && isSchemaUrl(response.url) && !schemaAuthFailed) {
      // Retry once without the credentials typed into "Authorize".
      schemaAuthFailed = true;
      setTimeout(function () { ui.specActions.download(); });
    }
    return response;
  }

  function injectAuthCredentials(request) {
    if (ui === undefined) return;
    var state = ui.getState().get("auth").get("authorized");
    if (state === undefined) return;
    var authorized = state.toJS();
    for (var i = 0; i < schemaAuthNames.length; i++) {
      var auth = authorized[schemaAuthNames[i]];
      if (auth === undefined || auth.schema === undefined) continue;
      if (auth.schema.type === "http" && auth.schema.scheme === "basic") {
        request.headers.Authorization = "Basic " + btoa(auth.value.username + ":" + auth.value.password);
        return;
      }
      if (auth.schema.type === "http" && auth.schema.scheme === "bearer") {
        request.headers.Authorization = "Bearer " + auth.value;
        return;
      }
      if (auth.schema.type === "apiKey" && auth.schema.in === "header") {
        request.headers[auth.schema.name] = auth.value;
        return;
      }
    }
  }

  function requestInterceptor(request) {
    if (request.loadSpec && schemaAuthNames.length > 0 && !schemaAuthFailed) {
      injectAuthCredentials(request);
    }
    // The session's CSRF token on "Try it out" writes (the API accepts the session login).
    if (!["GET", undefined].includes(request.method) && request.credentials === "same-origin") {
      request.headers[csrfHeader] = csrfToken;
    }
    return request;
  }

  ui = SwaggerUIBundle(Object.assign({
    url: container.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    plugins: schemaAuthNames.length > 0 ? [reloadSchemaOnAuthChange] : [],
    layout: "BaseLayout",
    // No badge image from validator.swagger.io: the page loads nothing from elsewhere.
    validatorUrl: null,
    requestInterceptor: requestInterceptor,
    responseInterceptor: responseInterceptor,
  }, swaggerSettings));
})();
