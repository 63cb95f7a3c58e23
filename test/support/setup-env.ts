// The Lambda runs Node.js 24; the SDK's notice about Node.js 20 concerns only this test machine.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
