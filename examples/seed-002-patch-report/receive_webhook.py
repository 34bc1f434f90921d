"""A tiny SNS webhook receiver: prints each notification stepguard delivers.

    python3 receive_webhook.py [PORT]      # default 9000; Ctrl-C stops it

Answers 200 to every POST and prints the notification JSON (SNS's HTTP/HTTPS format) with
the patch report in `Message` decoded.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        note = json.loads(body)
        try:
            note["Message"] = json.loads(note["Message"])
        except (KeyError, ValueError):
            pass
        print(f"{self.headers.get('x-amz-sns-message-type')} on {self.path}:", flush=True)
        print(json.dumps(note, indent=2), flush=True)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
    print(f"listening on http://127.0.0.1:{port}/sns", flush=True)
    try:
        HTTPServer(("127.0.0.1", port), Receiver).serve_forever()
    except KeyboardInterrupt:
        pass
