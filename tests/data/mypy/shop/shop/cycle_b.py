from shop.cycle_a import Node


class Leaf(Node):
    KIND = "leaf"
    weight = 2
