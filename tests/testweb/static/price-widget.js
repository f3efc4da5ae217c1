/* Chainwire price widget v3.4.1 (c) Chainwire Media */
(function () {
  "use strict";
  var CONFIG = {
    sessionNonce: "AUd49PnMh2h1RJpx7YbqxAymdTYMErKLFta2WAGbcWPQ",
    adPayload: "eyJhZCI6ImxlZGdlci1zdW1tZXIiLCJ0cyI6MTczMjE5NDMwMCwic2x0IjoiYXJ0aWNsZS1taWQifQ==",
    buildHash: "3f9a0c6e1b7d2a4c8e5f1a0b9c8d7e6f5a4b3c2d",
    tokens: {
      USDT: { chain: "ethereum", contract: "0xdAC17F958D2ee523a2206206994597C13D831ec7", decimals: 6 },
      WETH: { chain: "ethereum", contract: "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2", decimals: 18 }
    }
  };
  function fmt(n) { return n.toLocaleString("en-US", { maximumFractionDigits: 2 }); }
  function render(el, quotes) {
    el.querySelectorAll("b").forEach(function (b, i) {
      var q = quotes[i];
      if (q) { b.className = q.change < 0 ? "cw-ticker__down" : "cw-ticker__up"; b.textContent = (q.change > 0 ? "+" : "") + fmt(q.change) + "%"; }
    });
  }
  var ticker = document.querySelector(".cw-ticker");
  if (ticker) { render(ticker, [{ change: -1.8 }, { change: -2.4 }, { change: 0.6 }]); }
  window.__cwWidget = { version: "3.4.1", config: CONFIG };
})();
