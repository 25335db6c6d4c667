// GET /orders/{id} and GET /orders of the sample orders-api.
const { DynamoDBClient, GetItemCommand, QueryCommand } = require('@aws-sdk/client-dynamodb');

const ddb = new DynamoDBClient({});
const TABLE = process.env.ORDERS_TABLE || 'orders';

exports.getOrder = async (event) => {
  const id = event.pathParameters.id;
  const res = await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `order#${id}` } } }));
  return { statusCode: res.Item ? 200 : 404, body: JSON.stringify(res.Item ?? { message: 'not found' }) };
};

exports.listOrders = async (event) => {
  const customer = event.queryStringParameters?.customer ?? 'all';
  // Reads every page of the customer's orders before answering: slow for big customers.
  const items = [];
  let ExclusiveStartKey;
  do {
    const page = await ddb.send(
      new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'customer = :c', ExpressionAttributeValues: { ':c': { S: customer } }, ExclusiveStartKey }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return { statusCode: 200, body: JSON.stringify(items) };
};
