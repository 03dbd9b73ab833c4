#!/bin/sh
echo "hello from version $(cat /app/VERSION)"
