// End-to-end tests wait on real queues and HTTP round trips.
jest.setTimeout(30_000);
