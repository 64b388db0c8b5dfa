/* The lock of the protected edition (`playbook build --protect`); see generator/protect.py.
 *
 * Every page of the site is a "Protected playbook" page holding the real page sealed (AES-256-GCM).
 * The key is derived from the passphrase with scrypt (the vendored scrypt-js; Web Crypto has no
 * memory-hard KDF) and kept in this tab's sessionStorage only, so the next page opens without asking
 * and closing the tab forgets it. Nothing is written to the page until everything it needs has been
 * opened and checked: a wrong passphrase shows a message and no content.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("pb-protected").textContent);
  var sealed = window.PLAYBOOK_SEALED || {};
  var STORED = "crisis-playbook-key:" + config.salt;
  var form = document.getElementById("pb-unlock");
  var input = document.getElementById("pb-passphrase");
  var message = document.getElementById("pb-message");

  function bytes(base64) {
    var text = atob(base64), out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i += 1) { out[i] = text.charCodeAt(i); }
    return out;
  }

  function base64(data) {
    var text = "";
    for (var i = 0; i < data.length; i += 1) { text += String.fromCharCode(data[i]); }
    return btoa(text);
  }

  function opened(key, base64Text) {
    var data = bytes(base64Text);
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: data.subarray(0, 12) }, key, data.subarray(12))
      .then(function (plain) { return new TextDecoder().decode(plain); });
  }

  /* Open the page, the search index and the tools' data with the raw key; only when all opened,
     remember the key for this tab and write the page in place of the lock. */
  function show(raw) {
    return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["decrypt"]).then(function (key) {
      return Promise.all([
        opened(key, config.page),
        sealed.search ? opened(key, sealed.search) : null,
        sealed.data ? opened(key, sealed.data) : null,
      ]);
    }).then(function (parts) {
      var index = parts[1] === null ? undefined : JSON.parse(parts[1]);
      var data = parts[2] === null ? undefined : JSON.parse(parts[2]);
      sessionStorage.setItem(STORED, base64(raw));
      // Globals outlive document.open(): Material reads __index, playbook.js reads PLAYBOOK_DATA.
      if (index !== undefined) { window.__index = index; }
      if (data !== undefined) { window.PLAYBOOK_DATA = data; }
      document.open();
      document.write(parts[0]);
      document.close();
      if (location.hash.length > 1) {
        var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
        if (target) { target.scrollIntoView(); }
      }
    });
  }

  function ask(text, wrong) {
    form.hidden = false;
    message.textContent = text || "";
    message.className = wrong ? "pb-wrong" : "";
    input.disabled = false;
    input.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var passphrase = input.value.normalize("NFC");
    input.disabled = true;
    message.className = "";
    message.textContent = "Opening\u2026 this takes a few seconds.";
    // Let the message paint before the key derivation holds the page for a moment.
    setTimeout(function () {
      var raw;
      try {
        raw = window.scrypt.syncScrypt(new TextEncoder().encode(passphrase), bytes(config.salt),
                                       config.kdf.N, config.kdf.r, config.kdf.p, 32);
      } catch (error) {
        ask("This browser could not derive the key (" + error.message + "). Try another browser.", true);
        return;
      }
      show(raw).catch(function () {
        input.value = "";
        ask("Wrong passphrase: this copy did not open, and nothing of it is shown. " +
            "Check the passphrase (capitals, spaces) and try again.", true);
      });
    }, 50);
  });

  function start() {
    var stored = sessionStorage.getItem(STORED);
    if (stored) {
      show(bytes(stored)).catch(function () {
        sessionStorage.removeItem(STORED);
        ask("The key this tab kept does not open this page; enter the passphrase.", true);
      });
    } else {
      ask("");
    }
  }

  // Only once this page is parsed: while its parser runs, document.open() does nothing and the opened
  // page would be written into the lock page's body.
  if (document.readyState === "complete") { start(); } else { window.addEventListener("load", start); }
}());
