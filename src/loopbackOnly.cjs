// Preloaded into Microsoft 365 Agents Playground, which has no host option and would listen on every
// interface: in local mode the bot has no authentication, so its Playground must stay on loopback too.
"use strict";
const net = require("node:net");

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  if (typeof first === "number" && (args.length === 1 || typeof second === "function")) {
    args.splice(1, 0, "127.0.0.1");
  } else if (first && typeof first === "object" && !first.host && !first.path && !("fd" in first) && !("_handle" in first)) {
    args[0] = { ...first, host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};
