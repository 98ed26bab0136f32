# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drive Debian's headless Chromium through the DevTools protocol, with the standard library only.

``--remote-debugging-pipe`` speaks the protocol over file descriptors 3 (commands in) and 4
(responses and events out), as NUL-terminated JSON: no websocket client, no port, no download.
The browser runs with every background network feature off; pages are opened from files.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import time

FLAGS = (
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--hide-scrollbars', '--remote-debugging-pipe',
)
INSTALL_HINT = ('the drift report test renders its page in Chromium, which was not found: install it with '
                '`sudo apt-get install chromium` (Debian/Ubuntu; `bash scripts/install_chromium.sh` does it '
                'as root) or set CHROMIUM to the browser\'s path')


def find_chromium():
    """The browser's path (``$CHROMIUM``, ``chromium`` on PATH, /usr/bin/chromium) or None."""
    for candidate in (os.environ.get('CHROMIUM'), shutil.which('chromium'), '/usr/bin/chromium'):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


class DevToolsError(Exception):
    pass


class HeadlessChromium(object):
    """One headless browser with one page; ``call`` sends a command to the page, ``events`` keeps
    every event received, in order."""

    def __init__(self, executable, profile_dir, timeout=30.0):
        self.timeout = timeout
        self.events = []
        self._next_id = 0
        self._buffer = b''
        to_browser, self._to_browser = os.pipe()
        self._from_browser, from_browser = os.pipe()
        # bash (dash takes only one-digit descriptors) puts the pipes where Chromium expects them.
        command = 'exec "$@" 3<&%d 4>&%d' % (to_browser, from_browser)
        arguments = list(FLAGS) + ['--user-data-dir=%s' % profile_dir, 'about:blank']
        self._process = subprocess.Popen(
            ['bash', '-c', command, 'chromium', executable] + arguments,
            pass_fds=(to_browser, from_browser), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        try:
            targets = self.call('Target.getTargets', session=False)['targetInfos']
            page = [t for t in targets if t['type'] == 'page'][0]['targetId']
            self._session = self.call('Target.attachToTarget', {'targetId': page, 'flatten': True},
                                      session=False)['sessionId']
        except Exception:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def call(self, method, params=None, session=True):
        """Send one command (to the page unless ``session=False``) and return its result."""
        self._next_id += 1
        message = {'id': self._next_id, 'method': method, 'params': params or {}}
        if session:
            message['sessionId'] = self._session
        os.write(self._to_browser, json.dumps(message).encode('utf-8') + b'\0')
        while True:
            answer = self._receive()
            if answer.get('id') == message['id']:
                if 'error' in answer:
                    raise DevToolsError('%s: %s' % (method, answer['error']))
                return answer.get('result', {})
            if 'method' in answer:
                self.events.append(answer)

    def wait_for(self, method):
        """Wait for the next event ``method`` (one already received counts)."""
        while True:
            for index, event in enumerate(self.events):
                if event['method'] == method:
                    return self.events.pop(index)
            self.events.append(self._receive())

    def open(self, url, width=1280, height=900):
        """Load ``url`` in a ``width`` x ``height`` window and wait until it has loaded."""
        self.call('Page.enable')
        self.call('Network.enable')
        self.call('Emulation.setDeviceMetricsOverride',
                  {'width': width, 'height': height, 'deviceScaleFactor': 1, 'mobile': False})
        self.call('Page.navigate', {'url': url})
        self.wait_for('Page.loadEventFired')

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page."""
        result = self.call('Runtime.evaluate', {'expression': expression, 'returnByValue': True})
        if 'exceptionDetails' in result:
            raise DevToolsError('%s: %s' % (expression, result['exceptionDetails']))
        return result['result'].get('value')

    def type_text(self, selector, text):
        """Focus the element and type ``text`` the way a keyboard would (input events)."""
        self.evaluate('document.querySelector(%s).focus()' % json.dumps(selector))
        self.call('Input.insertText', {'text': text})

    def screenshot(self, full_page=True):
        """The page as PNG bytes."""
        params = {'format': 'png', 'captureBeyondViewport': full_page}
        return base64.b64decode(self.call('Page.captureScreenshot', params)['data'])

    def requested_urls(self):
        """Every URL the page asked the network for so far."""
        return [e['params']['request']['url'] for e in self.events if e['method'] == 'Network.requestWillBeSent']

    def _receive(self):
        deadline = time.monotonic() + self.timeout
        while b'\0' not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._from_browser], [], [], remaining)[0]:
                raise DevToolsError('Chromium did not answer within %ss' % self.timeout)
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise DevToolsError('Chromium exited (rc=%s)' % self._process.poll())
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b'\0', 1)
        return json.loads(message)

    def close(self):
        if self._process.returncode is not None and self._to_browser is None:
            return
        if self._process.poll() is None:
            try:
                self.call('Browser.close', session=False)
            except (DevToolsError, OSError):
                pass
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        self._to_browser = self._from_browser = None
