/* Nara Gov24 passkeys: the browser's side of the WebAuthn ceremonies. No inline script.
   - #passkey-signin: POST its data-options-url (JSON {login}) → {pending, options};
     navigator.credentials.get(); POST data-result-url {pending, credential, next} →
     {next}; go there.
   - #passkey-register: the same with navigator.credentials.create(), the session's CSRF
     token (data-csrf) in the X-CSRF-Token header.
   Messages for the visitor come from the button's data-msg-* attributes (translated);
   progress and failures go to #passkey-status (aria-live). */
(function () {
  "use strict";

  function toBytes(value) {
    var base64 = value.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = window.atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    if (!buffer) { return null; }
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      var copy = Object.assign({}, item);
      copy.id = toBytes(item.id);
      return copy;
    });
  }

  function requestOptions(options) {
    var publicKey = Object.assign({}, options);
    publicKey.challenge = toBytes(options.challenge);
    publicKey.allowCredentials = descriptors(options.allowCredentials);
    return publicKey;
  }

  function creationOptions(options) {
    var publicKey = Object.assign({}, options);
    publicKey.challenge = toBytes(options.challenge);
    publicKey.user = Object.assign({}, options.user, { id: toBytes(options.user.id) });
    publicKey.excludeCredentials = descriptors(options.excludeCredentials);
    return publicKey;
  }

  function credentialJson(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: { clientDataJSON: toBase64url(response.clientDataJSON) },
    };
    if (credential.authenticatorAttachment) {
      json.authenticatorAttachment = credential.authenticatorAttachment;
    }
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      if (response.getTransports) { json.response.transports = response.getTransports(); }
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      json.response.userHandle = toBase64url(response.userHandle);
    }
    return json;
  }

  function post(url, body, csrf) {
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (csrf) { headers["X-CSRF-Token"] = csrf; }
    return window.fetch(url, {
      method: "POST",
      headers: headers,
      credentials: "same-origin",
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error(data.detail || data.title || ("HTTP " + response.status));
          error.problem = data;
          throw error;
        }
        return data;
      });
    });
  }

  function statusOf() { return document.getElementById("passkey-status"); }

  function say(text) {
    var status = statusOf();
    if (status) { status.textContent = text; }
  }

  function supported() {
    return !!(window.PublicKeyCredential && navigator.credentials);
  }

  function signIn(button) {
    if (!supported()) { say(button.dataset.msgUnsupported || ""); return; }
    var field = document.getElementById(button.dataset.loginField || "");
    var login = field && field.value.trim() ? field.value.trim() : null;
    button.disabled = true;
    post(button.dataset.optionsUrl, { login: login })
      .then(function (ceremony) {
        return navigator.credentials.get({ publicKey: requestOptions(ceremony.options) })
          .then(function (credential) {
            return post(button.dataset.resultUrl, {
              pending: ceremony.pending,
              credential: credentialJson(credential),
              next: button.dataset.next || null,
            });
          });
      })
      .then(function (result) { window.location.assign(result.next || "/"); })
      .catch(function (error) {
        say((button.dataset.msgFailed || "") + (error && error.problem && error.problem.detail ? " " + error.problem.detail : ""));
        button.disabled = false;
      });
  }

  function register(button) {
    if (!supported()) { say(button.dataset.msgUnsupported || ""); return; }
    var csrf = button.dataset.csrf || "";
    button.disabled = true;
    post(button.dataset.optionsUrl, {}, csrf)
      .then(function (ceremony) {
        return navigator.credentials.create({ publicKey: creationOptions(ceremony.options) })
          .then(function (credential) {
            return post(button.dataset.resultUrl, {
              pending: ceremony.pending,
              credential: credentialJson(credential),
              name: navigator.platform ? "passkey (" + navigator.platform + ")" : "passkey",
            }, csrf);
          });
      })
      .then(function (result) { window.location.assign(result.next || "/account"); })
      .catch(function (error) {
        say((button.dataset.msgFailed || "") + (error && error.problem && error.problem.detail ? " " + error.problem.detail : ""));
        button.disabled = false;
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var signin = document.getElementById("passkey-signin");
    if (signin) { signin.addEventListener("click", function () { signIn(signin); }); }
    var add = document.getElementById("passkey-register");
    if (add) { add.addEventListener("click", function () { register(add); }); }
  });
})();
