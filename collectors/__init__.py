"""AWS evidence collectors: plain boto3, no Django. See collectors.runner for the entry points."""
