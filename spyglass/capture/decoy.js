// Added to every scan's browser context before any page script (spyglass/capture/decoys.py).
// 1. Clipboard writes are recorded and never reach the real clipboard (the browser's clipboard is
//    shared by every scan's context); clipboard reads are refused.
// 2. With the wallet option on: an EIP-1193 provider (announced through EIP-6963) and a Solana
//    provider that answer like an unlocked, funded wallet and record every request.
// Records leave through a binding whose name is random per scan; it is taken into this closure
// and deleted from window before the page's first script runs, so the page cannot read or
// forge them. No word in this file may give away what it is: the page can read its source
// through stack traces and toString.
(() => {
  'use strict';
  const config = /*CONFIG*/;
  const G = globalThis;
  const send = G[config.binding];
  try {
    delete G[config.binding];
  } catch (e) {
    // not configurable: nothing to hide
  }

  // Built-ins the page could replace later, taken now.
  const apply = Reflect.apply;
  const construct = Reflect.construct;
  const NativeProxy = Proxy;
  const defineProperty = Object.defineProperty;
  const getDescriptor = Object.getOwnPropertyDescriptor;
  const freeze = Object.freeze;
  const keysOf = Object.keys;
  const stringify = JSON.stringify;
  const NativeError = Error;
  const NativePromise = Promise;
  const NativeUint8Array = Uint8Array;
  const NativeArrayBuffer = ArrayBuffer;
  const isView = ArrayBuffer.isView;
  const isArray = Array.isArray;
  const fromCharCode = String.fromCharCode;
  const execRegExp = RegExp.prototype.exec;
  const split = String.prototype.split;
  const NativeTextDecoder = G.TextDecoder;
  const NativeDOMException = G.DOMException;
  const randomBytesInto = G.crypto && G.crypto.getRandomValues.bind(G.crypto);
  const promiseResolve = (value) => new NativePromise((ok) => ok(value));
  const promiseReject = (error) => new NativePromise((ok, fail) => fail(error));
  const MAX_TEXT = 100000;
  const MAX_ITEMS = 1000;
  const MAX_DEPTH = 12;

  // ------------------------------------------------------------------ native-looking functions
  const nativeToString = Function.prototype.toString;
  const masks = new WeakMap();
  const toString = {
    toString() {
      const mask = masks.get(this);
      return mask !== undefined ? mask : apply(nativeToString, this, []);
    },
  }.toString;
  const native = (fn, name) => {
    masks.set(fn, `function ${name}() { [native code] }`);
    return fn;
  };
  native(toString, 'toString');
  defineProperty(Function.prototype, 'toString', {
    value: toString, writable: true, enumerable: false, configurable: true,
  });
  const replaceMethod = (proto, name, fn) => {
    const old = getDescriptor(proto, name);
    if (!old) return;
    defineProperty(proto, name, {
      value: native(fn, name), writable: old.writable, enumerable: old.enumerable,
      configurable: old.configurable,
    });
  };

  // ------------------------------------------------------------------ reporting
  const STACK_URL = /((?:https?|file|blob:https?|chrome-extension):\/\/[^\s()]+?|data:[^\s()]+?):\d+:\d+\)?\s*$/;

  const scriptUrl = () => {
    const limit = NativeError.stackTraceLimit;
    let stack = '';
    try {
      NativeError.stackTraceLimit = 40;
      stack = String(new NativeError().stack || '');
    } catch (e) {
      return null;
    } finally {
      NativeError.stackTraceLimit = limit;
    }
    const lines = apply(split, stack, ['\n']);
    for (let i = 1; i < lines.length; i++) {
      const match = apply(execRegExp, STACK_URL, [lines[i]]);
      if (match) return match[1];
    }
    return null;
  };

  const report = (record) => {
    if (typeof send !== 'function') return;
    try {
      record.url = G.location.href;
      if (record.script === undefined) record.script = scriptUrl();
      apply(send, G, [stringify(record)]);
    } catch (e) {
      // a record that cannot be sent is lost, never shown to the page
    }
  };

  const hex = (bytes) => {
    let out = '0x';
    for (let i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return out;
  };
  const bytesOf = (value) => {
    if (value instanceof NativeArrayBuffer) return new NativeUint8Array(value);
    if (isView(value)) return new NativeUint8Array(value.buffer, value.byteOffset, value.byteLength);
    return null;
  };

  // The page's values as JSON: cycles, getters that throw, BigInts and typed arrays included.
  const plain = (value, depth) => {
    if (value === null || value === undefined) return null;
    const kind = typeof value;
    if (kind === 'string') return value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value;
    if (kind === 'number') return Number.isFinite(value) ? value : String(value);
    if (kind === 'boolean') return value;
    if (kind === 'bigint') return value.toString();
    if (kind !== 'object') return null;
    if (depth > MAX_DEPTH) return null;
    const bytes = bytesOf(value);
    if (bytes) return hex(bytes.length > MAX_TEXT ? bytes.subarray(0, MAX_TEXT) : bytes);
    if (isArray(value)) {
      const out = [];
      for (let i = 0; i < value.length && i < MAX_ITEMS; i++) {
        let item;
        try { item = value[i]; } catch (e) { item = null; }
        out.push(plain(item, depth + 1));
      }
      return out;
    }
    if (typeof value.toBase58 === 'function') {
      try { return String(value.toBase58()); } catch (e) { return null; }
    }
    const out = {};
    let keys;
    try { keys = keysOf(value); } catch (e) { return null; }
    for (let i = 0; i < keys.length && i < MAX_ITEMS; i++) {
      try { out[keys[i]] = plain(value[keys[i]], depth + 1); } catch (e) { out[keys[i]] = null; }
    }
    return out;
  };

  // ------------------------------------------------------------------ clipboard
  const recordClipboard = (text, api, script) => {
    text = String(text);
    report({ kind: 'clipboard', api, text: text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text,
      script });
  };

  const denied = () => (NativeDOMException
    ? new NativeDOMException('Read permission denied.', 'NotAllowedError')
    : new NativeError('Read permission denied.'));

  const patchClipboard = (W) => {
    const ClipboardClass = W.Clipboard;
    if (ClipboardClass && ClipboardClass.prototype) {
      const proto = ClipboardClass.prototype;
      const ItemClass = W.ClipboardItem;
      const getType = ItemClass && ItemClass.prototype.getType;
      const typesOf = ItemClass && getDescriptor(ItemClass.prototype, 'types');
      replaceMethod(proto, 'writeText', {
        writeText(data) {
          if (!(this instanceof ClipboardClass)) return promiseReject(new TypeError('Illegal invocation'));
          if (arguments.length < 1) {
            return promiseReject(new TypeError("Failed to execute 'writeText' on 'Clipboard': 1 argument required, but only 0 present."));
          }
          recordClipboard(data, 'clipboard.writeText');
          return promiseResolve(undefined);
        },
      }.writeText);
      replaceMethod(proto, 'write', {
        write(items) {
          if (!(this instanceof ClipboardClass)) return promiseReject(new TypeError('Illegal invocation'));
          const list = [];
          try {
            for (const item of items) list.push(item);
          } catch (e) {
            return promiseReject(new TypeError("Failed to execute 'write' on 'Clipboard': The provided value cannot be converted to a sequence."));
          }
          const reads = [];
          const script = scriptUrl(); // the items are read later, off the page's stack
          for (const item of list) {
            let types = [];
            try { types = typesOf ? apply(typesOf.get, item, []) : item.types; } catch (e) { types = []; }
            if (!types || types.indexOf('text/plain') < 0 || !getType) continue;
            reads.push(new NativePromise((ok) => {
              apply(getType, item, ['text/plain'])
                .then((blob) => blob.text())
                .then((text) => { recordClipboard(text, 'clipboard.write', script); ok(); }, () => ok());
            }));
          }
          return NativePromise.all(reads).then(() => undefined);
        },
      }.write);
      replaceMethod(proto, 'readText', { readText() { return promiseReject(denied()); } }.readText);
      replaceMethod(proto, 'read', { read() { return promiseReject(denied()); } }.read);
    }

    // document.execCommand('copy'|'cut') does what the browser would, up to the clipboard:
    // a copy event for listeners to fill, else the selection.
    const DocumentClass = W.Document;
    if (!DocumentClass) return;
    const nativeExec = DocumentClass.prototype.execCommand;
    const dispatch = W.EventTarget.prototype.dispatchEvent;
    const DataTransferClass = W.DataTransfer;
    const ClipboardEventClass = W.ClipboardEvent;
    const getData = DataTransferClass && DataTransferClass.prototype.getData;
    let lastSelected = null;
    for (const Control of [W.HTMLInputElement, W.HTMLTextAreaElement]) {
      if (!Control) continue;
      const proto = Control.prototype;
      for (const name of ['select', 'setSelectionRange']) {
        const original = proto[name];
        if (typeof original !== 'function') continue;
        const wrapped = {
          [name](...args) {
            lastSelected = this;
            return apply(original, this, args);
          },
        }[name];
        replaceMethod(proto, name, wrapped);
      }
    }
    const isTextControl = (el) => {
      if (!el || !el.tagName) return false;
      const tag = el.tagName;
      if (tag === 'TEXTAREA') return true;
      if (tag !== 'INPUT') return false;
      const type = (el.type || 'text').toLowerCase();
      return ['text', 'search', 'url', 'tel', 'email', 'password', 'number'].indexOf(type) >= 0;
    };
    const controlSelection = (el) => {
      try {
        const start = el.selectionStart;
        const end = el.selectionEnd;
        if (start === null || end === null || end <= start) return '';
        return String(el.value).substring(start, end);
      } catch (e) {
        return '';
      }
    };
    const copyAction = (doc, kind) => {
      const active = doc.activeElement;
      const selection = doc.getSelection ? doc.getSelection() : null;
      let target = active && active !== doc.body ? active : null;
      if (!target && selection && selection.rangeCount) {
        const node = selection.anchorNode;
        target = node && (node.nodeType === 1 ? node : node.parentElement);
      }
      target = target || doc.body || doc.documentElement;
      const data = DataTransferClass ? new DataTransferClass() : null;
      let prevented = false;
      if (target && data && ClipboardEventClass) {
        const event = new ClipboardEventClass(kind, {
          bubbles: true, cancelable: true, composed: true, clipboardData: data,
        });
        apply(dispatch, target, [event]);
        prevented = event.defaultPrevented;
      }
      if (prevented) {
        const text = apply(getData, data, ['text/plain']) || apply(getData, data, ['text']);
        if (text) recordClipboard(text, 'copy-event');
        return true;
      }
      let text = '';
      if (isTextControl(active)) text = controlSelection(active);
      if (!text && lastSelected && lastSelected.isConnected && lastSelected.ownerDocument === doc) {
        text = controlSelection(lastSelected);
      }
      if (!text && selection) text = String(selection);
      if (text) recordClipboard(text, 'execCommand');
      return true;
    };
    replaceMethod(DocumentClass.prototype, 'execCommand', {
      execCommand(command, showUI, value) {
        const name = String(command).toLowerCase();
        if (name === 'copy' || name === 'cut') return copyAction(this, name);
        if (name === 'paste') return false;
        return apply(nativeExec, this, arguments);
      },
    }.execCommand);
  };

  // ------------------------------------------------------------------ WebRTC
  // The browser sends no UDP at all (--webrtc-ip-handling-policy); the servers and remote
  // candidates a page names are recorded, so the report shows where it tried to send.
  const MAX_PEERS = 32;
  const recordPeer = (what, text) => {
    if (typeof text !== 'string' || !text) return;
    report({ kind: 'webrtc', what, text: text.length > 2000 ? text.slice(0, 2000) : text });
  };
  const recordServers = (configuration) => {
    try {
      const servers = configuration && configuration.iceServers;
      if (!isArray(servers)) return;
      for (let i = 0; i < servers.length && i < MAX_PEERS; i++) {
        const urls = servers[i] && servers[i].urls;
        const list = isArray(urls) ? urls : [urls];
        for (let j = 0; j < list.length && j < MAX_PEERS; j++) recordPeer('server', list[j]);
      }
    } catch (e) {
      // a getter that throws: the browser throws the same to the page
    }
  };
  const recordSdp = (description) => {
    try {
      const sdp = description && description.sdp;
      if (typeof sdp !== 'string') return;
      const lines = apply(split, sdp, ['\n']);
      let found = 0;
      for (let i = 0; i < lines.length && found < MAX_PEERS; i++) {
        if (lines[i].startsWith('a=candidate:')) { recordPeer('candidate', lines[i].trim()); found++; }
      }
    } catch (e) {
      // as above
    }
  };
  const patchWebRTC = (W) => {
    const Native = W.RTCPeerConnection;
    if (typeof Native !== 'function') return;
    const Wrapped = new NativeProxy(Native, {
      construct(target, args, newTarget) {
        recordServers(args[0]);
        return construct(target, args, newTarget);
      },
    });
    masks.set(Wrapped, 'function RTCPeerConnection() { [native code] }');
    for (const name of ['RTCPeerConnection', 'webkitRTCPeerConnection']) {
      const old = getDescriptor(W, name);
      if (old && old.value === Native) defineProperty(W, name, { ...old, value: Wrapped });
    }
    const proto = Native.prototype;
    const addIceCandidate = proto.addIceCandidate;
    replaceMethod(proto, 'addIceCandidate', {
      addIceCandidate(candidate) {
        try {
          recordPeer('candidate', typeof candidate === 'string' ? candidate : candidate && candidate.candidate);
        } catch (e) {
          // as above
        }
        return apply(addIceCandidate, this, arguments);
      },
    }.addIceCandidate);
    const setConfiguration = proto.setConfiguration;
    replaceMethod(proto, 'setConfiguration', {
      setConfiguration(configuration) {
        recordServers(configuration);
        return apply(setConfiguration, this, arguments);
      },
    }.setConfiguration);
    const setRemoteDescription = proto.setRemoteDescription;
    replaceMethod(proto, 'setRemoteDescription', {
      setRemoteDescription(description) {
        recordSdp(description);
        return apply(setRemoteDescription, this, arguments);
      },
    }.setRemoteDescription);
  };

  // Frames created by script start as about:blank, where the browser runs no init script: a
  // page could take the untouched clipboard functions from one. Patch such a frame's window the
  // first time the page reaches for it.
  const patched = new WeakSet();
  patched.add(G);
  const patchFrame = (win) => {
    try {
      if (win && !patched.has(win) && win.Clipboard !== undefined) {
        patched.add(win);
        patchClipboard(win);
        patchWebRTC(win);
      }
    } catch (e) {
      // cross-origin: its own init script ran
    }
  };
  for (const FrameClass of [G.HTMLIFrameElement, G.HTMLFrameElement, G.HTMLObjectElement]) {
    if (!FrameClass) continue;
    for (const name of ['contentWindow', 'contentDocument']) {
      const old = getDescriptor(FrameClass.prototype, name);
      if (!old || !old.get) continue;
      const getter = getDescriptor({
        get [name]() {
          const value = apply(old.get, this, []);
          if (value) patchFrame(name === 'contentWindow' ? value : value.defaultView);
          return value;
        },
      }, name).get;
      masks.set(getter, `function get ${name}() { [native code] }`);
      defineProperty(FrameClass.prototype, name, {
        get: getter, set: old.set, enumerable: old.enumerable, configurable: old.configurable,
      });
    }
  }
  patchClipboard(G);
  patchWebRTC(G);

  if (!config.wallets) return;

  // ------------------------------------------------------------------ wallets
  const randomBytes = (n) => {
    const bytes = new NativeUint8Array(n);
    if (randomBytesInto) randomBytesInto(bytes);
    return bytes;
  };
  const randomHex = (n) => hex(randomBytes(n));
  const signature = () => {
    const bytes = randomBytes(65);
    bytes[64] = 27 + (bytes[64] & 1);
    return hex(bytes);
  };

  const emitterMethods = (listeners) => {
    const add = (event, fn) => {
      if (typeof fn !== 'function') return;
      (listeners[event] = listeners[event] || []).push(fn);
    };
    const remove = (event, fn) => {
      const list = listeners[event];
      if (!list) return;
      const at = list.indexOf(fn);
      if (at >= 0) list.splice(at, 1);
    };
    const emit = (event, ...args) => {
      const list = (listeners[event] || []).slice();
      for (const fn of list) {
        try { apply(fn, undefined, args); } catch (e) { /* a listener's error stays its own */ }
      }
      return list.length > 0;
    };
    return { add, remove, emit };
  };

  // ---- EIP-1193 (looks like MetaMask)
  const account = config.ethereum.toLowerCase();
  const chains = { '0x1': '1' };
  const eth = { chainId: '0x1', connected: false, sent: {} };
  const ethListeners = {};
  const ethEvents = emitterMethods(ethListeners);
  const selector = (data) => (typeof data === 'string' ? data.slice(0, 10).toLowerCase() : '');
  const word = (n) => '0x' + n.padStart(64, '0');

  const ethCall = (params) => {
    const call = (params && params[0]) || {};
    const sel = selector(call.data || call.input);
    if (sel === '0x313ce567') return word('12'); // decimals(): 18
    if (sel === '0xdd62ed3e') return word('0'); // allowance(): none yet
    if (sel === '0xe985e9c5') return word('0'); // isApprovedForAll(): not yet
    if (sel === '0x2e1a7d4d' || sel === '0xa9059cbb') return word('1');
    return word(config.tokenBalance.slice(2)); // balanceOf() and the like: a large holding
  };

  const block = () => ({
    number: config.blockNumber, hash: randomHex(32), parentHash: randomHex(32),
    timestamp: '0x' + Math.floor(Date.now() / 1000).toString(16), gasLimit: '0x1c9c380',
    gasUsed: '0xe4e1c0', baseFeePerGas: config.gasPrice, miner: '0x' + '0'.repeat(40),
    difficulty: '0x0', extraData: '0x', nonce: '0x0000000000000000', transactions: [],
  });

  const answer = (method, params) => {
    switch (method) {
      case 'eth_requestAccounts':
      case 'eth_coinbase':
        if (!eth.connected) {
          eth.connected = true;
          provider.selectedAddress = account;
          promiseResolve(undefined).then(() => ethEvents.emit('accountsChanged', [account]));
        }
        return method === 'eth_coinbase' ? account : [account];
      case 'eth_accounts':
        return eth.connected ? [account] : [];
      case 'eth_chainId':
        return eth.chainId;
      case 'net_version':
        return chains[eth.chainId] || String(parseInt(eth.chainId, 16));
      case 'net_listening':
        return true;
      case 'eth_getBalance':
        return config.balance;
      case 'eth_blockNumber':
        return config.blockNumber;
      case 'eth_gasPrice':
        return config.gasPrice;
      case 'eth_maxPriorityFeePerGas':
        return '0x59682f00';
      case 'eth_estimateGas': {
        const call = (params && params[0]) || {};
        return call.data && call.data !== '0x' ? '0x249f0' : '0x5208';
      }
      case 'eth_getTransactionCount':
        return '0x2a';
      case 'eth_getCode':
        return '0x';
      case 'eth_call':
        return ethCall(params);
      case 'eth_getBlockByNumber':
      case 'eth_getBlockByHash':
        return block();
      case 'eth_feeHistory':
        return { oldestBlock: config.blockNumber, baseFeePerGas: [config.gasPrice, config.gasPrice],
          gasUsedRatio: [0.5], reward: [['0x59682f00']] };
      case 'eth_sendTransaction': {
        const hash = randomHex(32);
        eth.sent[hash] = (params && params[0]) || {};
        return hash;
      }
      case 'eth_sendRawTransaction':
        return randomHex(32);
      case 'eth_getTransactionByHash':
      case 'eth_getTransactionReceipt': {
        const hash = params && params[0];
        const tx = eth.sent[hash];
        if (!tx) return null;
        const base = { transactionHash: hash, hash, blockHash: randomHex(32),
          blockNumber: config.blockNumber, transactionIndex: '0x0', from: account,
          to: tx.to || null, type: '0x2' };
        if (method === 'eth_getTransactionByHash') {
          return { ...base, nonce: '0x2a', value: tx.value || '0x0', input: tx.data || '0x',
            gas: tx.gas || '0x249f0', gasPrice: config.gasPrice, chainId: eth.chainId,
            v: '0x1', r: randomHex(32), s: randomHex(32) };
        }
        return { ...base, status: '0x1', gasUsed: '0x1d4c0', cumulativeGasUsed: '0x1d4c0',
          effectiveGasPrice: config.gasPrice, contractAddress: null, logs: [],
          logsBloom: '0x' + '0'.repeat(512) };
      }
      case 'eth_sign':
      case 'personal_sign':
      case 'eth_signTypedData':
      case 'eth_signTypedData_v1':
      case 'eth_signTypedData_v3':
      case 'eth_signTypedData_v4':
      case 'eth_signTransaction':
        return signature();
      case 'wallet_switchEthereumChain':
      case 'wallet_addEthereumChain': {
        const wanted = params && params[0] && params[0].chainId;
        if (typeof wanted === 'string' && wanted !== eth.chainId) {
          eth.chainId = wanted.toLowerCase();
          provider.chainId = eth.chainId;
          provider.networkVersion = chains[eth.chainId] || String(parseInt(eth.chainId, 16));
          promiseResolve(undefined).then(() => ethEvents.emit('chainChanged', eth.chainId));
        }
        return null;
      }
      case 'wallet_requestPermissions':
      case 'wallet_getPermissions':
        if (method === 'wallet_requestPermissions') answer('eth_requestAccounts', []);
        return [{ parentCapability: 'eth_accounts', invoker: G.location.origin, date: Date.now(),
          caveats: [{ type: 'restrictReturnedAccounts', value: [account] }] }];
      case 'wallet_watchAsset':
        return true;
      case 'web3_clientVersion':
        return 'MetaMask/v12.10.4';
      default:
        return null;
    }
  };

  const request = (args) => {
    if (!args || typeof args !== 'object' || isArray(args)) {
      return promiseReject({ code: -32600, message: "Expected a single, non-array, object argument." });
    }
    const method = args.method;
    const params = args.params;
    if (typeof method !== 'string' || method.length === 0) {
      return promiseReject({ code: -32600, message: "'args.method' must be a non-empty string." });
    }
    report({ kind: 'wallet', provider: 'ethereum', method, params: plain(params, 0) });
    let result;
    try {
      result = answer(method, isArray(params) ? params : params === undefined ? [] : [params]);
    } catch (e) {
      result = null;
    }
    return promiseResolve(result);
  };

  const provider = {
    isMetaMask: true,
    chainId: eth.chainId,
    networkVersion: '1',
    selectedAddress: null,
    _events: {},
    _eventsCount: 0,
    _maxListeners: 100,
    _metamask: {
      isUnlocked() { return promiseResolve(true); },
      requestBatch(requests) { return NativePromise.all((requests || []).map((r) => request(r))); },
    },
    isConnected() { return true; },
    request(args) { return request(args); },
    enable() { return request({ method: 'eth_requestAccounts' }); },
    send(methodOrPayload, callbackOrArgs) {
      if (typeof methodOrPayload === 'string') {
        return request({ method: methodOrPayload, params: callbackOrArgs });
      }
      if (typeof callbackOrArgs === 'function') return provider.sendAsync(methodOrPayload, callbackOrArgs);
      const payload = methodOrPayload || {};
      report({ kind: 'wallet', provider: 'ethereum', method: String(payload.method), params: plain(payload.params, 0) });
      let result = null;
      try { result = answer(payload.method, payload.params || []); } catch (e) { result = null; }
      return { id: payload.id, jsonrpc: '2.0', result };
    },
    sendAsync(payload, callback) {
      const one = (p) => request({ method: p && p.method, params: p && p.params })
        .then((result) => ({ id: p.id, jsonrpc: '2.0', result }));
      const done = isArray(payload) ? NativePromise.all(payload.map(one)) : one(payload);
      done.then((response) => { if (typeof callback === 'function') callback(null, response); },
        (error) => { if (typeof callback === 'function') callback(error, null); });
    },
    on(event, fn) { ethEvents.add(event, fn); return provider; },
    addListener(event, fn) { ethEvents.add(event, fn); return provider; },
    once(event, fn) {
      const wrapper = (...args) => { ethEvents.remove(event, wrapper); apply(fn, undefined, args); };
      ethEvents.add(event, wrapper);
      return provider;
    },
    prependListener(event, fn) { ethEvents.add(event, fn); return provider; },
    removeListener(event, fn) { ethEvents.remove(event, fn); return provider; },
    off(event, fn) { ethEvents.remove(event, fn); return provider; },
    removeAllListeners(event) {
      if (event === undefined) for (const key of keysOf(ethListeners)) delete ethListeners[key];
      else delete ethListeners[event];
      return provider;
    },
    emit(event, ...args) { return ethEvents.emit(event, ...args); },
    listenerCount(event) { return (ethListeners[event] || []).length; },
    listeners(event) { return (ethListeners[event] || []).slice(); },
    setMaxListeners() { return provider; },
    getMaxListeners() { return 100; },
  };

  const info = freeze({
    uuid: config.uuid,
    name: 'MetaMask',
    icon: config.icon,
    rdns: 'io.metamask',
  });
  const announce = () => {
    try {
      G.dispatchEvent(new G.CustomEvent('eip6963:announceProvider', {
        detail: freeze({ info, provider }),
      }));
    } catch (e) {
      // no CustomEvent in this global
    }
  };

  // ---- Solana (looks like Phantom)
  const solKey = new NativeUint8Array(config.solanaBytes);
  const publicKey = {
    toBase58() { return config.solana; },
    toString() { return config.solana; },
    toJSON() { return config.solana; },
    toBytes() { return new NativeUint8Array(solKey); },
    toBuffer() { return new NativeUint8Array(solKey); },
    equals(other) {
      try { return other && String(other.toBase58()) === config.solana; } catch (e) { return false; }
    },
  };
  const sol = { connected: false };
  const solListeners = {};
  const solEvents = emitterMethods(solListeners);
  const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  const base58 = (bytes) => {
    const digits = [0];
    for (let i = 0; i < bytes.length; i++) {
      let carry = bytes[i];
      for (let j = 0; j < digits.length; j++) {
        carry += digits[j] << 8;
        digits[j] = carry % 58;
        carry = (carry / 58) | 0;
      }
      while (carry) { digits.push(carry % 58); carry = (carry / 58) | 0; }
    }
    let out = '';
    for (let i = 0; i < bytes.length && bytes[i] === 0; i++) out += '1';
    for (let i = digits.length - 1; i >= 0; i--) out += ALPHABET[digits[i]];
    return out;
  };
  const base64 = (bytes) => {
    let binary = '';
    for (let i = 0; i < bytes.length; i++) binary += fromCharCode(bytes[i]);
    return G.btoa(binary);
  };
  // A transaction as the page handed it: its wire bytes when it can serialise itself unsigned.
  const transaction = (tx) => {
    if (!tx || typeof tx !== 'object') return plain(tx, 0);
    const bytes = bytesOf(tx);
    if (bytes) return base64(bytes);
    if (typeof tx.serialize === 'function') {
      for (const args of [[{ requireAllSignatures: false, verifySignatures: false }], []]) {
        try {
          const out = bytesOf(apply(tx.serialize, tx, args));
          if (out) return base64(out);
        } catch (e) {
          // next way of serialising
        }
      }
    }
    return { description: plain(tx, 0) };
  };
  const messageText = (message) => {
    const bytes = bytesOf(message);
    if (!bytes) return plain(message, 0);
    try {
      return new NativeTextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (e) {
      return hex(bytes);
    }
  };
  const recordSolana = (method, params) => report({ kind: 'wallet', provider: 'solana', method, params });
  const connect = () => {
    if (!sol.connected) {
      sol.connected = true;
      solana.publicKey = publicKey;
      solana.isConnected = true;
      promiseResolve(undefined).then(() => solEvents.emit('connect', publicKey));
    }
    return { publicKey };
  };
  const solSignature = () => randomBytes(64);

  const solana = {
    isPhantom: true,
    publicKey: null,
    isConnected: false,
    _events: {},
    _eventsCount: 0,
    connect(options) {
      recordSolana('connect', options === undefined ? [] : [plain(options, 0)]);
      return promiseResolve(connect());
    },
    disconnect() {
      recordSolana('disconnect', []);
      if (sol.connected) {
        sol.connected = false;
        solana.publicKey = null;
        solana.isConnected = false;
        promiseResolve(undefined).then(() => solEvents.emit('disconnect'));
      }
      return promiseResolve(undefined);
    },
    signTransaction(tx) {
      recordSolana('signTransaction', [transaction(tx)]);
      return promiseResolve(tx);
    },
    signAllTransactions(txs) {
      const list = isArray(txs) ? txs : [];
      recordSolana('signAllTransactions', [list.map(transaction)]);
      return promiseResolve(txs);
    },
    signAndSendTransaction(tx, options) {
      recordSolana('signAndSendTransaction', [transaction(tx), plain(options, 0)]);
      return promiseResolve({ signature: base58(solSignature()), publicKey: config.solana });
    },
    signMessage(message, display) {
      const params = [messageText(message)];
      if (display !== undefined) params.push(plain(display, 0));
      recordSolana('signMessage', params);
      return promiseResolve({ signature: solSignature(), publicKey });
    },
    request(args) {
      const method = args && args.method;
      const params = args && args.params;
      if (method === 'connect') return solana.connect(params);
      if (method === 'disconnect') return solana.disconnect();
      if (method === 'signMessage') {
        recordSolana('signMessage', [messageText(params && params.message), plain(params && params.display, 0)]);
        return promiseResolve({ signature: base58(solSignature()), publicKey: config.solana });
      }
      recordSolana(String(method), [plain(params, 0)]);
      if (method === 'signTransaction' || method === 'signAndSendTransaction') {
        return promiseResolve({ signature: base58(solSignature()), publicKey: config.solana });
      }
      if (method === 'signAllTransactions') {
        const count = params && isArray(params.message) ? params.message.length : 1;
        const signatures = [];
        for (let i = 0; i < count; i++) signatures.push(base58(solSignature()));
        return promiseResolve({ signatures, publicKey: config.solana });
      }
      return promiseResolve(null);
    },
    on(event, fn) { solEvents.add(event, fn); return solana; },
    addListener(event, fn) { solEvents.add(event, fn); return solana; },
    off(event, fn) { solEvents.remove(event, fn); return solana; },
    removeListener(event, fn) { solEvents.remove(event, fn); return solana; },
    removeAllListeners(event) {
      if (event === undefined) for (const key of keysOf(solListeners)) delete solListeners[key];
      else delete solListeners[event];
      return solana;
    },
    emit(event, ...args) { return solEvents.emit(event, ...args); },
  };

  defineProperty(G, 'ethereum', { value: provider, writable: true, enumerable: true, configurable: true });
  defineProperty(G, 'solana', { value: solana, writable: true, enumerable: true, configurable: true });
  defineProperty(G, 'phantom', {
    value: { solana }, writable: true, enumerable: true, configurable: true,
  });
  G.addEventListener('eip6963:requestProvider', announce);
  announce();
})();
