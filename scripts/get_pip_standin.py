"""Stand-in for the get-pip.py bootstrap script that ansible-test downloads from a host this
project's machines cannot reach. ansible-test runs it inside a new, empty virtual environment
with pip-install arguments; the standard library's ensurepip provides a pip, which then
installs what was asked for from the package index.
"""
import subprocess
import sys

# ensurepip runs in a child process: in-process it points PIP_CONFIG_FILE at /dev/null, which
# would hide the machine's pip configuration (index and certificate settings) from the install.
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'], stdout=subprocess.DEVNULL)
args = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
