module.exports = require('./postgres-cluster.cjs').setup;
