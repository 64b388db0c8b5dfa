"use strict";
/* What iframe-worker's shim used to write into its iframe as an inline script, as a file instead, so
   that the site's Content-Security-Policy (no inline script) holds inside the iframe too. Runs in
   the iframe that stands in for the search worker under file://; the same functions as the original. */
(function () {
  var url = document.currentScript.getAttribute("data-url");
  window.postMessage = function (message, origin) { parent.postMessage(message, origin || "*"); };
  window.importScripts = function () {
    return Array.prototype.reduce.call(arguments, function (done, src) {
      return done.then(function () {
        return new Promise(function (resolve) {
          var script = document.createElement("script");
          script.src = src;
          script.onload = resolve;
          document.body.appendChild(script);
        });
      });
    }, Promise.resolve());
  };
  addEventListener("error", function (event) {
    parent.dispatchEvent(new ErrorEvent("error", { filename: url, error: event.error }));
  });
  // Material's search worker finds its own folder from the first script[src] of the frame (to load lunr's
  // stemmers for a language other than English): that must be the worker, not this file.
  document.currentScript.remove();
}());
