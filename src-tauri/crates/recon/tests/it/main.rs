mod fixture;
mod workspace;
