// spinlab entry point: all work happens in the cli layer.
int main() { return 0; }
