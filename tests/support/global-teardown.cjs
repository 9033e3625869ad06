module.exports = require('./postgres-cluster.cjs').teardown;
