'use strict';
// CLOCK_MONOTONIC in milliseconds (fractional). process.hrtime is the same clock in every process on
// the host, so a send time in one process and a receive time in another can be subtracted
// (performance.timeOrigin-based times were seen ~2.5 ms apart between processes; see performance-limits.md).
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = { nowMs, sleep };
