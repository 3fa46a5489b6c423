"""The trained sentence classifier for mechanism types (scikit-learn)."""

from policytext.classify.model import MechanismClassifier, load_training_data

__all__ = ["MechanismClassifier", "load_training_data"]
