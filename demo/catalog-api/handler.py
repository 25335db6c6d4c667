# GET /search of the sample catalog-api: the catalog's own matches, then the partner's search.
import json
import os

import boto3
import requests
from aws_xray_sdk.core import patch_all
from boto3.dynamodb.conditions import Key

# Traces boto3 and requests: the DynamoDB Query and the partner call become subsegments.
patch_all()

table = boto3.resource('dynamodb').Table(os.environ.get('CATALOG_TABLE', 'catalog'))


def search(event, context):
    q = (event.get('queryStringParameters') or {}).get('q', '')
    own = table.query(KeyConditionExpression=Key('term').eq(q.lower()), Limit=20)['Items']
    # 40 s: longer than the 35 s the function may run and the 30 s the HTTP API waits, so a slow
    # partner is never given up on here; the client gets its 504 at 30 s instead.
    res = requests.get('https://search.partner.example/v1/search', params={'q': q}, timeout=40)
    res.raise_for_status()
    items = own + res.json().get('items', [])
    return {
        'statusCode': 200,
        'headers': {'content-type': 'application/json'},
        'body': json.dumps({'q': q, 'items': items}, default=str),
    }
