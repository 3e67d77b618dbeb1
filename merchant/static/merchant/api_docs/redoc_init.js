/* Starts Redoc on /api/redoc/ (merchant/api_docs.py). Redoc adds <style> elements at run time:
   it puts this script's CSP nonce on them, so the page needs no 'unsafe-inline'. */
"use strict";
(function () {
  // Redoc's sidebar shows Redocly's logo from cdn.redoc.ly. The portal loads nothing from
  // elsewhere (the CSP would block it and report a violation on every visit): an image whose
  // address is on another site gets no address and is hidden.
  function elsewhere(value) {
    var url = new URL(String(value), document.baseURI);
    return /^https?:$/.test(url.protocol) && url.origin !== location.origin;
  }
  var images = HTMLImageElement.prototype;
  var src = Object.getOwnPropertyDescriptor(images, "src");
  Object.defineProperty(images, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) {
      if (elsewhere(value)) {
        this.hidden = true;
        return;
      }
      src.set.call(this, value);
    },
  });
  var setAttribute = Element.prototype.setAttribute;
  images.setAttribute = function (name, value) {
    if (String(name).toLowerCase() === "src" && elsewhere(value)) {
      this.hidden = true;
      return;
    }
    return setAttribute.call(this, name, value);
  };

  var nonce = document.currentScript && document.currentScript.nonce;
  var container = document.getElementById("redoc-container");
  Redoc.init(container.dataset.schemaUrl, { nonce: nonce || undefined }, container);
})();
