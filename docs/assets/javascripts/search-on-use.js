/* The site search loads when it is used, not with every page: why and how in
 * tasteget/site/theme/main.html. */
(function () {
  "use strict";
  var INDEX = /\/search\/search_index\.json(\?|$)/;
  var WORKER = /\/workers\/search\.[^/]*\.js(\?|$)/;
  var wanted = false;
  var waiting = [];

  function want() {
    if (wanted) return;
    wanted = true;
    waiting.splice(0).forEach(function (go) { go(); });
  }

  if (new URLSearchParams(location.search).has("h")) want();

  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.tsSearchIndex = INDEX.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var request = this, args = arguments;
    if (request.tsSearchIndex && !wanted) {
      waiting.push(function () { send.apply(request, args); });
      return undefined;
    }
    return send.apply(request, args);
  };

  var RealWorker = window.Worker;
  if (typeof RealWorker === "function" && typeof EventTarget === "function") {
    var LaterWorker = function (url, options) {
      if (!WORKER.test(String(url))) return new RealWorker(url, options);
      var target = new EventTarget();
      var real = null;
      target.postMessage = function (message, transfer) {
        if (!real) {
          real = new RealWorker(url, options);
          real.addEventListener("message", function (event) {
            target.dispatchEvent(new MessageEvent("message", { data: event.data }));
          });
          real.addEventListener("error", function () {
            target.dispatchEvent(new Event("error"));
          });
        }
        real.postMessage(message, transfer);
      };
      target.terminate = function () { if (real) real.terminate(); };
      return target;
    };
    LaterWorker.prototype = RealWorker.prototype;
    window.Worker = LaterWorker;
  }

  function wantsSearch(event) {
    var element = event.target;
    if (!element || !element.matches) return;
    if (element.matches("[data-md-component=search-query], label[for=__search], label[for=__search] *")) want();
  }
  document.addEventListener("focusin", wantsSearch, true);
  document.addEventListener("pointerdown", wantsSearch, true);
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "__search" && event.target.checked) want();
  }, true);
})();
