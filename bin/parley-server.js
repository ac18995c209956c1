#!/usr/bin/env node
import '../out/main/parley-server.js';
