from h import *
hid=read_hidden('/work/shared/datasets/los-loop/kriging-test-nodes.csv',ids)
obs,fold,nf=setup(hid)
Xtr=X[:TR]; Xte=X[TR:]
def cv(fn):
    e=[]
    for t in obs:
        cand=np.array([j for j in obs if fold[j]!=fold[t]])
        e.append(np.abs(fn(Xtr,t,cand)-Xtr[:,t]))
    return np.mean(e)
def te(fn):
    return np.mean([np.abs(fn(Xte,t,obs)-Xte[:,t]) for t in hid])
for K in [1,2,3,5,8]:
  for s in [0.25,0.5,1,2]:
    fn=lambda Xr,t,c: knn_pred(Xr,t,c,K,s*SIG)
    print('knn',K,s,round(cv(fn),3),round(te(fn),3))
def med(Xr,t,c,K=5):
    nb,d,_=neighbours(t,c,K); return np.median(Xr[:,nb],1)
for K in [3,5,7]:
    fn=lambda Xr,t,c: med(Xr,t,c,K); print('med',K,round(cv(fn),3),round(te(fn),3))
