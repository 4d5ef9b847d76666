"""Frame writers (PNG folder, GIF, MP4): no Qt, fed an iterator of RGB arrays."""
